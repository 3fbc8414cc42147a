using NewtPose.Synthesis;

namespace NewtPose.Tests.Synthesis;

public class NewtSkeletonTests
{
    [Fact]
    public void Has_21_uniquely_named_keypoints_in_the_documented_order()
    {
        var s = NewtSkeleton.Instance;
        Assert.Equal(21, s.Count);
        Assert.Equal(21, s.Keypoints.Distinct().Count());
        Assert.Equal("snout_tip", s.Keypoints[0]);
        Assert.Equal("tail_tip", s.Keypoints[20]);
        Assert.Equal(NewtSkeleton.Cloaca, s.IndexOf("cloaca"));
        Assert.Equal(NewtSkeleton.LeftHindfoot, s.IndexOf("left_hindfoot"));
    }

    [Fact]
    public void Swap_pairs_join_each_left_name_to_its_right_name_and_cover_every_sided_point()
    {
        var s = NewtSkeleton.Instance;
        Assert.Equal(7, s.SwapPairs.Count);
        foreach (var p in s.SwapPairs)
        {
            Assert.StartsWith("left_", s.Keypoints[p.Left]);
            Assert.Equal("right_" + s.Keypoints[p.Left]["left_".Length..], s.Keypoints[p.Right]);
        }
        var paired = s.SwapPairs.SelectMany(p => new[] { p.Left, p.Right }).ToHashSet();
        for (var k = 0; k < s.Count; k++)
            Assert.Equal(s.Keypoints[k].StartsWith("left_") || s.Keypoints[k].StartsWith("right_"), paired.Contains(k));
    }

    [Fact]
    public void Edges_connect_every_keypoint()
    {
        var s = NewtSkeleton.Instance;
        var reached = new HashSet<int> { 0 };
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var e in s.Edges)
                if (reached.Contains(e.From) != reached.Contains(e.To)) { reached.Add(e.From); reached.Add(e.To); changed = true; }
        }
        Assert.Equal(s.Count, reached.Count);
    }
}
