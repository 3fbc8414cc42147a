using Microsoft.ML;
using Microsoft.ML.Data;
using NewtPose.Export;
using NewtPose.Inference;

namespace NewtPose.MlNet;

/// <summary>The raw head output column of <see cref="PosePipeline.Network"/>, as <see cref="PosePipeline.Keypoints"/> reads it.</summary>
public sealed class RawOutputRow
{
    [ColumnName(OnnxMetadata.OutputName)]
    public float[] Output { get; set; } = [];
}

/// <summary>The keypoints of one image: x, y of keypoint k at 2k, 2k + 1, in the pixels of the network input (the letterboxed image), and each keypoint's confidence.</summary>
public sealed class KeypointsRow
{
    [ColumnName(PosePipeline.KeypointsColumn)]
    public float[] Keypoints { get; set; } = [];

    [ColumnName(PosePipeline.ConfidenceColumn)]
    public float[] Confidence { get; set; } = [];
}
