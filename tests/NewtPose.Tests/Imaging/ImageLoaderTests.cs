using NewtPose.Imaging;

namespace NewtPose.Tests.Imaging;

public class ImageLoaderTests
{
    private static readonly (byte R, byte G, byte B) Red = (230, 20, 20), Green = (20, 230, 20), Blue = (20, 20, 230), Yellow = (230, 230, 20);

    /// <summary>A 64×32 raw image, quadrants red (top-left), green (top-right), blue (bottom-left), yellow (bottom-right).</summary>
    private static RgbImage Quadrants()
    {
        int w = 64, h = 32;
        var px = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var c = (x < w / 2, y < h / 2) switch { (true, true) => Red, (false, true) => Green, (true, false) => Blue, _ => Yellow };
            var i = (y * w + x) * 3;
            px[i] = c.R; px[i + 1] = c.G; px[i + 2] = c.B;
        }
        return new RgbImage(w, h, px);
    }

    // Which raw corner each upright corner shows (TL, TR, BL, BR), straight from the EXIF 2.3 definitions of the
    // orientation tag ("0th row is the visual …, 0th column is the visual …").
    public static TheoryData<int, string> Orientations => new()
    {
        { 1, "TL TR BL BR" }, // top, left
        { 2, "TR TL BR BL" }, // top, right: mirrored
        { 3, "BR BL TR TL" }, // bottom, right: 180°
        { 4, "BL BR TL TR" }, // bottom, left: mirrored vertically
        { 5, "TL BL TR BR" }, // left, top: transposed
        { 6, "BL TL BR TR" }, // right, top: phone held upright, shown turned 90° clockwise
        { 7, "BR TR BL TL" }, // right, bottom: transverse
        { 8, "TR BR TL BL" }, // left, bottom: shown turned 90° counter-clockwise
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Exif_orientation_is_applied_so_the_photo_is_upright(int orientation, string corners)
    {
        var path = Path.Combine(TestImages.TempFolder(), $"o{orientation}.jpg");
        TestImages.WriteJpeg(path, Quadrants(), orientation);

        var image = ImageLoader.Load(path);

        var swapped = orientation >= 5;
        Assert.Equal(swapped ? (32, 64) : (64, 32), (image.Width, image.Height));
        Assert.Equal((image.Width, image.Height), ImageLoader.ReadSize(path));
        var raw = new Dictionary<string, (byte, byte, byte)> { ["TL"] = Red, ["TR"] = Green, ["BL"] = Blue, ["BR"] = Yellow };
        var expected = corners.Split(' ').Select(c => raw[c]).ToArray();
        int inset = 4, right = image.Width - 1 - inset, bottom = image.Height - 1 - inset;
        AssertColour(expected[0], image, inset, inset);
        AssertColour(expected[1], image, right, inset);
        AssertColour(expected[2], image, inset, bottom);
        AssertColour(expected[3], image, right, bottom);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(8)]
    public void Reduced_size_decodes_map_source_coordinates_exactly(int orientation)
    {
        // Odd raw size (509×251): libjpeg rounds scaled sizes up, which must not shift coordinates.
        var dots = new[] { (101.5, 60.5), (400.0, 200.0), (250.0, 30.0) };
        var colours = new[] { Red, Green, Blue };
        var path = Path.Combine(TestImages.TempFolder(), "big.jpg");
        TestImages.WriteJpeg(path, TestImages.Dots(509, 251, dots, colours, 10), orientation);

        var full = ImageLoader.Load(path);
        var quarter = ImageLoader.LoadScaled(path, 0.25);
        var fitted = ImageLoader.Load(path, maxSide: 150);

        Assert.Equal(0.25, quarter.Scale, 6);
        Assert.Equal((orientation >= 5 ? 63 : 128), quarter.Image.Width);
        Assert.True(Math.Max(fitted.Image.Width, fitted.Image.Height) == 150);
        foreach (var c in colours)
        {
            var source = TestImages.Centroid(full, c)!.Value;
            foreach (var scaled in new[] { quarter, fitted })
            {
                var (ex, ey) = scaled.FromSource.Apply(source.X, source.Y);
                var found = TestImages.Centroid(scaled.Image, c)!.Value;
                Assert.True(Math.Abs(found.X - ex) < 0.5 && Math.Abs(found.Y - ey) < 0.5,
                    $"orientation {orientation}, dot {c}: expected ({ex:F2}, {ey:F2}), found ({found.X:F2}, {found.Y:F2})");
            }
        }
    }

    [Fact]
    public void Sixteen_bit_rgb_png_is_reduced_to_8_bit()
    {
        var path = Path.Combine(TestImages.TempFolder(), "deep.png");
        TestImages.WritePng(path, 2, 1, 16, 2, [0xFFFF, 0x8000, 0x0000, 0x1234, 0xABCD, 0x7F7F]);

        var image = ImageLoader.Load(path);

        Assert.Equal((2, 1), (image.Width, image.Height));
        AssertNear(new byte[] { 255, 128, 0, 0x12, 0xAB, 0x7F }, image.Pixels);
    }

    [Fact]
    public void Grey_png_becomes_equal_rgb_channels()
    {
        var path = Path.Combine(TestImages.TempFolder(), "grey.png");
        TestImages.WritePng(path, 3, 1, 8, 0, [0, 77, 255]);

        var image = ImageLoader.Load(path);

        AssertNear(new byte[] { 0, 0, 0, 77, 77, 77, 255, 255, 255 }, image.Pixels);
    }

    [Fact]
    public void Rgba_png_keeps_the_stored_colour_and_drops_alpha()
    {
        var path = Path.Combine(TestImages.TempFolder(), "rgba.png");
        TestImages.WritePng(path, 2, 1, 8, 6, [200, 100, 50, 255, 10, 20, 30, 128]);

        var image = ImageLoader.Load(path);

        AssertNear(new byte[] { 200, 100, 50, 10, 20, 30 }, image.Pixels);
    }

    [Fact]
    public void One_folder_may_hold_images_of_different_sizes()
    {
        var dir = TestImages.TempFolder();
        TestImages.WritePng(Path.Combine(dir, "a.png"), 5, 3, 8, 0, new int[15]);
        TestImages.WriteJpeg(Path.Combine(dir, "b.jpg"), Quadrants());
        TestImages.WritePng(Path.Combine(dir, "c.png"), 2, 7, 16, 2, new int[42]);

        var sizes = Directory.GetFiles(dir).Order().Select(f => { var i = ImageLoader.Load(f); return (i.Width, i.Height); }).ToArray();

        Assert.Equal(new[] { (5, 3), (64, 32), (2, 7) }, sizes);
    }

    [Fact]
    public void Missing_and_unreadable_files_are_named_in_the_error()
    {
        var dir = TestImages.TempFolder();
        var missing = Path.Combine(dir, "nope.jpg");
        var garbage = Path.Combine(dir, "garbage.jpg");
        File.WriteAllText(garbage, "not an image");

        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => ImageLoader.Load(missing)).Message);
        Assert.Contains(garbage, Assert.Throws<InvalidDataException>(() => ImageLoader.Load(garbage)).Message);
        Assert.Contains(garbage, Assert.Throws<InvalidDataException>(() => ImageLoader.ReadSize(garbage)).Message);
    }

    [Fact]
    public void Cache_decodes_once_and_refines_when_more_detail_is_asked()
    {
        var path = Path.Combine(TestImages.TempFolder(), "photo.jpg");
        TestImages.WriteJpeg(path, TestImages.Dots(800, 600, [(400.0, 300.0)], [Red], 20));
        var cache = new ImageCache();

        var coarse = cache.Get(path, 0.2);
        var again = cache.Get(path, 0.1);
        var fine = cache.Get(path, 0.3);

        Assert.Equal(0.25, coarse.Scale, 6);
        Assert.Same(coarse, again);
        Assert.Equal(0.5, fine.Scale, 6);
        Assert.Equal((400, 300), (fine.Image.Width, fine.Image.Height));
        Assert.Equal(1, cache.Count);
        Assert.Equal(400L * 300 * 3, cache.Bytes);
    }

    [Fact]
    public void Cache_drops_the_least_recently_used_photo_beyond_its_bound()
    {
        var dir = TestImages.TempFolder();
        var paths = new[] { "a.png", "b.png", "c.png" }.Select(n => Path.Combine(dir, n)).ToArray();
        foreach (var p in paths) TestImages.WritePng(p, 10, 10, 8, 0, new int[100]);
        var cache = new ImageCache(maxBytes: 2 * 300);

        var a = cache.Get(paths[0], 1);
        var b = cache.Get(paths[1], 1);
        Assert.Same(a, cache.Get(paths[0], 1)); // a is now the most recently used
        cache.Get(paths[2], 1);                  // over the bound: b goes

        Assert.Equal(2, cache.Count);
        Assert.Equal(600, cache.Bytes);
        Assert.Same(a, cache.Get(paths[0], 1));
        Assert.NotSame(b, cache.Get(paths[1], 1)); // dropped, so decoded again
    }

    private static void AssertColour((byte R, byte G, byte B) expected, RgbImage image, int x, int y)
    {
        var i = (y * image.Width + x) * 3;
        var actual = (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
        Assert.True(Math.Abs(actual.Item1 - expected.R) < 30 && Math.Abs(actual.Item2 - expected.G) < 30 && Math.Abs(actual.Item3 - expected.B) < 30,
            $"At ({x}, {y}) expected {expected}, got {actual}.");
    }

    private static void AssertNear(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1, $"Byte {i}: expected {expected[i]}, got {actual[i]}.");
    }
}
