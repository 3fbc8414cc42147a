using NewtPose.Data;
using SkiaSharp;

namespace NewtPose.Drawing;

/// <summary>Lays images out in a grid of equal tiles (each scaled to fit, centred, aspect kept) on a dark background.</summary>
public static class ContactSheet
{
    public static SKBitmap Compose(IReadOnlyList<SKBitmap> images, int columns, int tileWidth, int tileHeight, int gap = 4)
    {
        if (images.Count == 0) throw new ArgumentException("A contact sheet needs at least one image.", nameof(images));
        if (columns < 1 || tileWidth < 1 || tileHeight < 1) throw new ArgumentException("Columns and tile size must be positive.");
        var rows = (images.Count + columns - 1) / columns;
        var sheet = new SKBitmap(new SKImageInfo(columns * tileWidth + (columns + 1) * gap, rows * tileHeight + (rows + 1) * gap, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(new SKColor(30, 30, 30));
        using var paint = new SKPaint { IsAntialias = true, FilterQuality = SKFilterQuality.High };
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i];
            var scale = Math.Min((float)tileWidth / image.Width, (float)tileHeight / image.Height);
            float w = image.Width * scale, h = image.Height * scale;
            float x = gap + (i % columns) * (tileWidth + gap) + (tileWidth - w) / 2, y = gap + (i / columns) * (tileHeight + gap) + (tileHeight - h) / 2;
            canvas.DrawBitmap(image, new SKRect(x, y, x + w, y + h), paint);
        }
        return sheet;
    }
}

/// <summary>Contact sheets of labelled datasets.</summary>
public static class DatasetSheet
{
    /// <summary>The first <paramref name="count"/> images of the dataset with their keypoints and skeleton drawn, in a grid.</summary>
    public static SKBitmap Compose(PoseDataset dataset, int count = 12, int columns = 4, int tileWidth = 480, OverlayStyle? style = null)
    {
        var images = dataset.Images.Take(count).ToArray();
        if (images.Length == 0) throw new ArgumentException("The dataset has no images.", nameof(dataset));
        var tiles = new List<SKBitmap>();
        try
        {
            foreach (var image in images)
            {
                var bitmap = SKBitmap.Decode(dataset.FullPath(image)) ?? throw new InvalidDataException($"{dataset.FullPath(image)}: not a readable image.");
                foreach (var instance in image.Instances) KeypointOverlay.Draw(bitmap, instance, dataset.Skeleton, style ?? new OverlayStyle(0.006f, 0.0025f));
                tiles.Add(bitmap);
            }
            var aspect = (float)tiles[0].Height / tiles[0].Width;
            return ContactSheet.Compose(tiles, columns, tileWidth, (int)(tileWidth * aspect));
        }
        finally
        {
            foreach (var t in tiles) t.Dispose();
        }
    }
}
