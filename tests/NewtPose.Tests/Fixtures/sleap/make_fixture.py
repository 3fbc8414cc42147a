"""Writes labels.h5py.slp with h5py and numpy in the layout and dtypes sleap-io's slp.py writes (format 1.2).

Run with Debian's python3-h5py: /usr/bin/python3 make_fixture.py. Frames refer to frames/f0.png and frames/f1.png beside it
(the test writes those PNGs); frame 1 holds a user instance (track "newt_A") and a predicted one.
"""
import json
import h5py
import numpy as np

metadata = {
    "version": "1.3.4",
    "nodes": [{"name": "snout", "weight": 1.0}, {"name": "left_hand", "weight": 1.0}, {"name": "right_hand", "weight": 1.0}],
    "skeletons": [{
        "directed": True, "graph": {"name": "newt", "num_edges_inserted": 2},
        "nodes": [{"id": 0}, {"id": 1}, {"id": 2}],
        "links": [
            {"source": 0, "target": 1, "type": {"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [1]}]}},
            {"source": 0, "target": 2, "type": {"py/id": 1}},
            {"source": 1, "target": 2, "type": {"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [2]}]}},
        ],
    }],
    "videos": [], "tracks": [], "suggestions": [], "negative_anchors": {}, "provenance": {},
}
videos = [{"filename": "frames/f0.png", "backend": {"type": "ImageVideo", "filenames": ["frames/f0.png", "frames/f1.png"], "shape": [2, 48, 64, 3]}}]
frame_dtype = np.dtype([("frame_id", "u8"), ("video", "u4"), ("frame_idx", "u8"), ("instance_id_start", "u8"), ("instance_id_end", "u8")])
instance_dtype = np.dtype([("instance_id", "i8"), ("instance_type", "u1"), ("frame_id", "u8"), ("skeleton", "u4"), ("track", "i4"),
                           ("from_predicted", "i8"), ("score", "f4"), ("point_id_start", "u8"), ("point_id_end", "u8"), ("tracking_score", "f4")])
point_dtype = np.dtype([("x", "f8"), ("y", "f8"), ("visible", "?"), ("complete", "?")])
pred_point_dtype = np.dtype([("x", "f8"), ("y", "f8"), ("visible", "?"), ("complete", "?"), ("score", "f8")])

with h5py.File("labels.h5py.slp", "w") as f:
    g = f.require_group("metadata")
    g.attrs["format_id"] = 1.2
    g.attrs["json"] = np.bytes_(json.dumps(metadata, separators=(",", ":")))
    f.create_dataset("videos_json", data=np.array([json.dumps(v) for v in videos], dtype="O"), maxshape=(None,), dtype=h5py.string_dtype())
    f.create_dataset("tracks_json", data=np.array([json.dumps([0, "newt_A"])], dtype="O"), maxshape=(None,), dtype=h5py.string_dtype())
    f.create_dataset("frames", data=np.array([(0, 0, 0, 0, 1), (1, 0, 1, 1, 3)], dtype=frame_dtype), maxshape=(None,))
    f.create_dataset("instances", data=np.array([(0, 0, 0, 0, -1, -1, 0, 0, 3, 0), (1, 0, 1, 0, 0, -1, 0, 3, 6, 0), (2, 1, 1, 0, -1, -1, 0.75, 0, 3, 0)],
                                                dtype=instance_dtype), maxshape=(None,))
    f.create_dataset("points", data=np.array([(1.5, 2.5, True, True), (3, 4, True, True), (np.nan, np.nan, False, True),
                                             (10, 11, True, True), (12, 13, True, True), (14, 15, True, True)], dtype=point_dtype), maxshape=(None,))
    f.create_dataset("pred_points", data=np.array([(20, 21, True, False, 0.5), (22, 23, True, False, 0.5), (24, 25, True, False, 0.5)],
                                                  dtype=pred_point_dtype), maxshape=(None,))
