#!/usr/bin/env bash
# Executes every notebook under notebooks/ in the official .NET Interactive Jupyter kernel (the dotnet-interactive
# tool, as VS Code Polyglot Notebooks and Jupyter users run it), through `jupyter nbconvert --execute`, and fails on
# any cell error, when a notebook's charts (00-07) are missing from its outputs, or when a chart would need the network
# (plotly.js must come inline, once per notebook).
# Installs what it needs when missing: Debian's nbconvert/nbclient/ipykernel (apt, needs root) and the
# Microsoft.dotnet-interactive global tool registered as a Jupyter kernel. Quick mode is on unless NEWTPOSE_QUICK is set.
# Executed notebooks go to notebooks/output/official/ (git-ignored). See docs/notebooks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1
export NEWTPOSE_QUICK="${NEWTPOSE_QUICK:-1}"
# A fresh machine does not have the global tools folder on PATH, and the tool's launcher needs to find the runtime.
export PATH="$PATH:$HOME/.dotnet/tools"
export DOTNET_ROOT="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
INTERACTIVE_VERSION=1.0.712001

if ! jupyter nbconvert --version >/dev/null 2>&1 || ! jupyter kernelspec list >/dev/null 2>&1; then
  echo "Installing Jupyter's nbconvert and client (apt)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel >/dev/null
fi
if ! dotnet tool list -g | grep -qi "microsoft.dotnet-interactive"; then
  echo "Installing the .NET Interactive kernel (dotnet tool Microsoft.dotnet-interactive $INTERACTIVE_VERSION)..."
  dotnet tool install -g Microsoft.dotnet-interactive --version "$INTERACTIVE_VERSION"
fi
if ! jupyter kernelspec list 2>/dev/null | grep -q "\.net-csharp"; then
  echo "Registering the .NET kernels with Jupyter..."
  dotnet interactive jupyter install
fi

out=notebooks/output/official
mkdir -p "$out"
status=0
for notebook in notebooks/*.ipynb; do
  name=$(basename "$notebook")
  start=$(date +%s%N)
  if jupyter nbconvert --execute --to notebook --ExecutePreprocessor.timeout=900 --output-dir "$out" "$notebook" >"$out/${name%.ipynb}.log" 2>&1; then
    elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "$name: ok in $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s (official kernel, nbconvert)"
  else
    echo "$name: FAILED in the official kernel; the end of its log:" >&2
    tail -n 40 "$out/${name%.ipynb}.log" >&2
    status=1
  fi
done

# The charts must be in the outputs, not just the cells: every kind, and the live chart in its final state.
setup="$out/00-setup-check.ipynb"
if [ -f "$setup" ]; then
  for marker in 'Plotly.newPlot(' '\"type\":\"image\"' '\"type\":\"bar\"' '\"type\":\"histogram\"' 'Live progress'; do
    if ! grep -q -F "$marker" "$setup"; then
      echo "00-setup-check.ipynb (official kernel): no chart output containing $marker" >&2
      status=1
    fi
  done
  if ! python3 - "$setup" <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
html = ["".join(o["data"]["text/html"]) for c in cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
live = [h for h in html if "Live progress" in h and "Plotly.newPlot(" in h]
sys.exit(0 if live and all('"x":[]' not in h and '"data":[]' not in h for h in live) else 1)
PY
  then
    echo "00-setup-check.ipynb (official kernel): the live chart's output is not its final state" >&2
    status=1
  fi
fi
# Notebooks 01-03 and 05-07: each chart and table they show, looked up in the executed notebook's text/html outputs.
if ! python3 - "$out" <<'PY'
import json, os, sys
expected = {
    "01-explore-data.ipynb": ["LabeledPerKeypoint", "newtpose-table", '"type":"image"', '"name":"not labelled"', "Keypoints in the body frame",
                              "Image sizes", '"type":"histogram"', "SameSide"],
    "02-convert-coco.ipynb": ["newtpose-table", "CopiedImages", "VisibilityMismatches", "DLC", "YOLO", "read back", "MaxDeviation"],
    "03-augment.ipynb": ['"type":"image"', "No augmentation", "Default preset", "Default without rotation", "Rotation only",
                         "Flips only", "Colour only", "Blur and noise only", "Occlusion only"],
    "05-evaluate.ipynb": ["newtpose-table", "<td>all keypoints (label crops)</td>", "OKS AP", "Error per keypoint", "Error CDF", "PCK against",
                          "Worst test photos", '"name":"found box"', "Predicted without labels", "MaxDifferencePx"],
    "06-active-learning.ipynb": ["newtpose-table", "Round 0 on the test photos", "The photos most worth labelling next", "<th>flip disagreement</th>",
                                 "Predicted without labels", "Test photos, found by the model", "<td>round 1 (+ suggested photos)</td>",
                                 "Error per keypoint (test, found by the model", "Error CDF (test, found by the model)"],
    "07-compare-backbones.ipynb": ["newtpose-table", "<th>inference photos/s</th>", "<td>resnet18-imagenet</td>", "<td>scratch</td>",
                                   "Accuracy against labelled photos", "Accuracy against training time",
                                   "Error per keypoint (test, found by the model, mean"],
}
failed = False
for name, markers in expected.items():
    path = os.path.join(sys.argv[1], name)
    if not os.path.exists(path):
        continue  # its run failed and was reported above
    cells = json.load(open(path, encoding="utf-8"))["cells"]
    html = "\n".join("".join(o["data"]["text/html"]) for c in cells for o in c.get("outputs", []) if "text/html" in o.get("data", {}))
    if "Plotly.newPlot(" not in html and name != "02-convert-coco.ipynb":
        print(f"{name} (official kernel): no chart in its outputs", file=sys.stderr); failed = True
    for marker in markers:
        if marker not in html:
            print(f"{name} (official kernel): no output containing {marker}", file=sys.stderr); failed = True
sys.exit(1 if failed else 0)
PY
then
  status=1
fi
# Offline charts: every notebook with a chart carries the library's plotly.js exactly once, in its first chart output,
# and no output asks a CDN (or any other address) for a script.
if ! python3 - "$out" <<'PY'
import glob, json, os, re, sys
failed = False
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.ipynb"))):
    name = os.path.basename(path)
    cells = json.load(open(path, encoding="utf-8"))["cells"]
    html = ["".join(o["data"]["text/html"]) for c in cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    charts = [i for i, h in enumerate(html) if "Plotly.newPlot(" in h]
    copies = sum(h.count("* plotly.js v") for h in html)
    if charts and (copies != 1 or "* plotly.js v" not in html[charts[0]]):
        print(f"{name} (official kernel): {len(charts)} charts carry {copies} copies of plotly.js; expected one, in the first chart", file=sys.stderr); failed = True
    # plotly.js itself names a CDN for optional extras (map tiles, MathJax) that NewtPose's charts do not use.
    pages = [re.sub(r'<script type="text/javascript">/\*\*\n\* plotly\.js v.*?</script>', "", h, flags=re.S) for h in html]
    if any("cdn." in p.lower() or "<script src" in p for p in pages):
        print(f"{name} (official kernel): an output loads a script from the network", file=sys.stderr); failed = True
sys.exit(1 if failed else 0)
PY
then
  status=1
fi
# 04-train: the live training charts in their final state (every epoch), the metrics table, the per-keypoint bars and
# the grid of photos with predictions.
train="$out/04-train.ipynb"
if [ -f "$train" ]; then
  if ! python3 - "$train" <<'PY'
import json, re, sys
cells = json.load(open(sys.argv[1]))["cells"]
html = ["".join(o["data"]["text/html"]) for c in cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
charts = [h for h in html if "Plotly.newPlot(" in h]
def final(title, series):
    # The live chart's output must hold a point for every epoch the run reported, not the empty first state.
    shown = [h for h in charts if '"text":"%s"' % title in h and '"name":"%s"' % series in h]
    return bool(shown) and all(re.search(r'"x":\[1(,\d+)*\]', h) for h in shown)
problems = []
if not final("Training loss", "train"): problems.append("no live training-loss chart in its final state")
if not final("Validation error", "validation"): problems.append("no live validation-error chart in its final state")
if not any('"type":"bar"' in h for h in charts): problems.append("no per-keypoint error bars")
if not any('"type":"image"' in h and '"name":"predictions"' in h for h in charts): problems.append("no image grid with predictions")
if not any("newtpose-table" in h and "all keypoints" in h for h in html): problems.append("no final metrics table")
for p in problems: print("04-train.ipynb (official kernel): " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
  then
    status=1
  fi
fi
exit $status
