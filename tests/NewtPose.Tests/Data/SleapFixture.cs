using System.Reflection;
using PureHDF;

namespace NewtPose.Tests.Data;

/// <summary>
/// Writes a small .slp with the layout sleap-io writes (format 1.2): /metadata (format_id, json with nodes, one skeleton,
/// edges and a symmetry in jsonpickle's encoding), /videos_json, /tracks_json and the /frames, /instances, /points,
/// /pred_points tables with sleap-io's field names.
/// </summary>
internal static class SleapFixture
{
    public struct Frame
    {
        [H5Name("frame_id")] public ulong FrameId; [H5Name("video")] public uint Video; [H5Name("frame_idx")] public ulong FrameIndex;
        [H5Name("instance_id_start")] public ulong InstanceStart; [H5Name("instance_id_end")] public ulong InstanceEnd;
    }

    public struct Instance
    {
        [H5Name("instance_id")] public long Id; [H5Name("instance_type")] public byte Type; [H5Name("frame_id")] public ulong FrameId;
        [H5Name("skeleton")] public uint Skeleton; [H5Name("track")] public int Track; [H5Name("from_predicted")] public long FromPredicted;
        [H5Name("score")] public float Score; [H5Name("point_id_start")] public ulong PointStart; [H5Name("point_id_end")] public ulong PointEnd;
        [H5Name("tracking_score")] public float TrackingScore;
    }

    public struct Point
    {
        [H5Name("x")] public double X; [H5Name("y")] public double Y; [H5Name("visible")] public bool Visible; [H5Name("complete")] public bool Complete;
    }

    public struct PredictedPoint
    {
        [H5Name("x")] public double X; [H5Name("y")] public double Y; [H5Name("visible")] public bool Visible; [H5Name("complete")] public bool Complete;
        [H5Name("score")] public double Score;
    }

    // Nodes in the global list in another order than the skeleton's, to check the skeleton's order is the keypoint order.
    public const string Metadata = """
        {"version": "1.3.4",
         "nodes": [{"name": "tail", "weight": 1.0}, {"name": "snout", "weight": 1.0}, {"name": "left_hand", "weight": 1.0}, {"name": "right_hand", "weight": 1.0}],
         "skeletons": [{"directed": true, "graph": {"name": "newt", "num_edges_inserted": 4},
           "nodes": [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 0}],
           "links": [
             {"source": 1, "target": 0, "type": {"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [1]}]}},
             {"source": 1, "target": 2, "type": {"py/id": 1}},
             {"source": 2, "target": 3, "type": {"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [2]}]}},
             {"source": 3, "target": 2, "type": {"py/id": 2}}]}],
         "videos": [], "tracks": [], "suggestions": [], "negative_anchors": {}, "provenance": {}}
        """;

    /// <summary>
    /// Video 0: an image sequence (frames/f0.png, an absolute path from another machine ending in frames/f1.png, frames/f2.png);
    /// video 1: session.mp4. Frame 0: one user instance (track newt_A, right_hand not visible) and one predicted; frame 1:
    /// only a predicted instance; frame 2: a user instance of newt_B; frame 3 (video 1, frame 12): a user instance.
    /// </summary>
    public static string Write(TempFolder folder)
    {
        folder.Png("frames/f0.png", 64, 48);
        folder.Png("frames/f1.png", 64, 48);
        folder.Png("frames/f2.png", 64, 48);
        string[] videos =
        [
            """{"filename": "frames/f0.png", "backend": {"type": "ImageVideo", "filenames": ["frames/f0.png", "/home/lab/project/frames/f1.png", "frames/f2.png"], "shape": [3, 48, 64, 3]}}""",
            """{"filename": "session.mp4", "backend": {"type": "MediaVideo", "filename": "session.mp4", "shape": [100, 480, 640, 3], "fps": 30.0}}""",
        ];
        Point P(double x, double y, bool visible = true) => new() { X = visible ? x : double.NaN, Y = visible ? y : double.NaN, Visible = visible, Complete = true };
        PredictedPoint Q(double x, double y) => new() { X = x, Y = y, Visible = true, Complete = false, Score = 0.8 };
        Point[] points = [P(10.5, 20.25), P(11, 21), P(12, 22), P(0, 0, visible: false), P(30, 31), P(32, 33), P(34, 35), P(36, 37), P(1, 2), P(3, 4), P(5, 6), P(7, 8)];
        PredictedPoint[] predicted = [Q(40, 41), Q(42, 43), Q(44, 45), Q(46, 47), Q(50, 51), Q(52, 53), Q(54, 55), Q(56, 57)];
        Instance I(long id, byte type, ulong frame, int track, ulong start) => new()
        {
            Id = id, Type = type, FrameId = frame, Skeleton = 0, Track = track, FromPredicted = -1, Score = type == 1 ? 0.9f : 0, PointStart = start, PointEnd = start + 4, TrackingScore = 0,
        };
        Instance[] instances = [I(0, 0, 0, 0, 0), I(1, 1, 0, -1, 0), I(2, 1, 1, -1, 4), I(3, 0, 2, 1, 4), I(4, 0, 3, -1, 8)];
        Frame F(ulong id, uint video, ulong index, ulong start, ulong end) => new() { FrameId = id, Video = video, FrameIndex = index, InstanceStart = start, InstanceEnd = end };
        Frame[] frames = [F(0, 0, 0, 0, 2), F(1, 0, 1, 2, 3), F(2, 0, 2, 3, 4), F(3, 1, 12, 4, 5)];
        var file = new H5File
        {
            ["metadata"] = new H5Group { Attributes = new() { ["format_id"] = 1.2, ["json"] = Metadata } },
            ["videos_json"] = videos,
            ["tracks_json"] = new[] { """[0, "newt_A"]""", """[0, "newt_B"]""" },
            ["frames"] = frames, ["instances"] = instances, ["points"] = points, ["pred_points"] = predicted,
        };
        var path = Path.Combine(folder.Path, "labels.v001.slp");
        file.Write(path, new H5WriteOptions(FieldNameMapper: f => f.GetCustomAttribute<H5NameAttribute>()?.Name));
        return path;
    }
}
