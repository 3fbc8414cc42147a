using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class SwapPairsTests
{
    [Theory]
    [InlineData("left_eye,right_eye,snout", "left_eye/right_eye")]
    [InlineData("LeftEar,RightEar,Nose", "LeftEar/RightEar")]
    [InlineData("leftear,rightear", "leftear/rightear")]
    [InlineData("ear_l,ear_r,tail", "ear_l/ear_r")]
    [InlineData("L_hand,R_hand", "L_hand/R_hand")]
    [InlineData("earL,earR,lip", "earL/earR")]
    [InlineData("FL_toe,FR_toe", "FL_toe/FR_toe")]
    [InlineData("paw1LH_top,paw2LF_top,paw3RF_top,paw4RH_top,tailBase_top,nose_top", "paw1LH_top/paw4RH_top;paw2LF_top/paw3RF_top")]
    [InlineData("snout,vent,tail,lip,rump", "")]
    public void Infers_left_right_pairs_from_names(string names, string expected)
    {
        var list = names.Split(',');
        var pairs = SwapPairs.InferFromNames(list).Select(p => $"{list[p.Left]}/{list[p.Right]}").OrderBy(s => s);
        Assert.Equal(expected.Split(';', StringSplitOptions.RemoveEmptyEntries).OrderBy(s => s), pairs);
    }

    [Fact]
    public void User_pairs_are_parsed_against_the_skeleton()
    {
        var skeleton = new Skeleton(["a", "b", "c"]);
        Assert.Equal([new SwapPair(0, 2)], SwapPairs.Parse("a:c", skeleton));
        Assert.Contains("not in the skeleton", Assert.Throws<ArgumentException>(() => SwapPairs.Parse("a:z", skeleton)).Message);
    }

    [Fact]
    public void Pairs_that_do_not_mirror_across_the_body_axis_give_a_warning()
    {
        // Body axis along x (snout -> vent); the eyes sit on both sides, the "hands" both above it.
        var skeleton = new Skeleton(["snout", "vent", "left_eye", "right_eye", "left_hand", "right_hand"], swapPairs: [new SwapPair(2, 3), new SwapPair(4, 5)]);
        var images = Enumerable.Range(0, 5).Select(i => new LabeledImage($"{i}.png", 100, 100, [new PoseInstance([
            new Keypoint(10, 50, Visibility.Visible), new Keypoint(90, 50 + i * 0.1, Visibility.Visible),
            new Keypoint(20, 40, Visibility.Visible), new Keypoint(20, 60, Visibility.Visible),
            new Keypoint(40, 30, Visibility.Visible), new Keypoint(45, 35, Visibility.Visible)])])).ToArray();
        var warnings = SwapPairs.CheckMirroring(new PoseDataset(skeleton, images, "."));
        var w = Assert.Single(warnings);
        Assert.Contains("left_hand/right_hand", w);
        Assert.Contains("5 of 5 instances", w);

        var checks = SwapPairs.Check(new PoseDataset(skeleton, images, "."));
        Assert.Equal(2, checks.Count);
        Assert.Equal(new SwapPairCheck("left_eye", "right_eye", 5, 0), checks[0]);
        Assert.True(checks[0].Mirrors);
        Assert.Equal("mirrors", checks[0].Verdict);
        Assert.Equal(new SwapPairCheck("left_hand", "right_hand", 5, 5), checks[1]);
        Assert.False(checks[1].Mirrors);
        // Two instances are too few to judge: no warning, and the verdict says so.
        var few = SwapPairs.Check(new PoseDataset(skeleton, images.Take(2).ToArray(), "."));
        Assert.Equal("too few instances to tell", few[1].Verdict);
        Assert.Empty(SwapPairs.CheckMirroring(new PoseDataset(skeleton, images.Take(2).ToArray(), ".")));
    }

    [Fact]
    public void A_bent_tail_does_not_make_pairs_near_the_cloaca_look_unmirrored()
    {
        // The tail bends 90° at the cloaca: a line fitted through the whole midline runs diagonally and puts both hips on
        // one side of it; the midline near the hips (trunk_mid → cloaca) has them on opposite sides, as they are.
        // "left_hip" also shares the letters "ip" with "snout_tip"/"tail_tip": that must not narrow the axis to those two.
        var skeleton = new Skeleton(["snout_tip", "trunk_mid", "cloaca", "tail_tip", "left_hip", "right_hip"], swapPairs: [new SwapPair(4, 5)]);
        var images = Enumerable.Range(0, 4).Select(i => new LabeledImage($"{i}.png", 200, 200, [new PoseInstance([
            new Keypoint(0, 0, Visibility.Visible), new Keypoint(0, 50, Visibility.Visible), new Keypoint(0, 100, Visibility.Visible),
            new Keypoint(100, 100 + i, Visibility.Visible), new Keypoint(-10, 90, Visibility.Visible), new Keypoint(10, 90, Visibility.Visible)])])).ToArray();
        var dataset = new PoseDataset(skeleton, images, ".");
        Assert.Empty(SwapPairs.CheckMirroring(dataset));
        Assert.Equal(new SwapPairCheck("left_hip", "right_hip", 4, 0), Assert.Single(SwapPairs.Check(dataset)));
    }
}
