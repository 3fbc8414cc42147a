using NewtPose.Data;

namespace NewtPose.Synthesis;

/// <summary>
/// The 21 ventral keypoints of a newt, in a fixed order (docs/synthetic-newts.md defines each one).
/// Left and right are the ANIMAL's: in a belly-up photo with the head pointing up, the animal's left is on the
/// viewer's right.
/// </summary>
public static class NewtSkeleton
{
    public const int SnoutTip = 0, LeftJawCorner = 1, RightJawCorner = 2, Throat = 3, Chest = 4,
        LeftShoulder = 5, RightShoulder = 6, LeftElbow = 7, RightElbow = 8, LeftForefoot = 9, RightForefoot = 10,
        TrunkMid = 11, LeftHip = 12, RightHip = 13, LeftKnee = 14, RightKnee = 15, LeftHindfoot = 16, RightHindfoot = 17,
        Cloaca = 18, TailMid = 19, TailTip = 20;

    public const int Count = 21;

    public static IReadOnlyList<string> Names { get; } =
    [
        "snout_tip", "left_jaw_corner", "right_jaw_corner", "throat", "chest",
        "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_forefoot", "right_forefoot",
        "trunk_mid", "left_hip", "right_hip", "left_knee", "right_knee", "left_hindfoot", "right_hindfoot",
        "cloaca", "tail_mid", "tail_tip",
    ];

    /// <summary>The newt skeleton: names, a tree of edges along the midline and out to each foot, and the 7 left/right pairs.</summary>
    public static Skeleton Instance { get; } = new(
        Names,
        [
            new(SnoutTip, LeftJawCorner), new(SnoutTip, RightJawCorner), new(LeftJawCorner, Throat), new(RightJawCorner, Throat),
            new(Throat, Chest), new(Chest, TrunkMid), new(TrunkMid, Cloaca), new(Cloaca, TailMid), new(TailMid, TailTip),
            new(Chest, LeftShoulder), new(Chest, RightShoulder),
            new(LeftShoulder, LeftElbow), new(LeftElbow, LeftForefoot), new(RightShoulder, RightElbow), new(RightElbow, RightForefoot),
            new(Cloaca, LeftHip), new(Cloaca, RightHip),
            new(LeftHip, LeftKnee), new(LeftKnee, LeftHindfoot), new(RightHip, RightKnee), new(RightKnee, RightHindfoot),
        ],
        [
            new(LeftJawCorner, RightJawCorner), new(LeftShoulder, RightShoulder), new(LeftElbow, RightElbow),
            new(LeftForefoot, RightForefoot), new(LeftHip, RightHip), new(LeftKnee, RightKnee), new(LeftHindfoot, RightHindfoot),
        ]);
}
