#!/usr/bin/env bash
# Takes a screenshot of an HTML file, such as a ctxrl report, with headless Chromium, so that
# its look can be checked by eye. No test runs this script.
#
#   scripts/screenshot_report.sh REPORT.html [OUTPUT.png] [WIDTHxHEIGHT]
#
# OUTPUT.png defaults to REPORT.png beside the input, and the window to 1280x2400 pixels. The
# screenshot shows the top of the page at that window size. Needs Debian's chromium package
# (apt-get install chromium). Chromium runs with --no-sandbox because its sandbox cannot
# start as root, and these machines run as root. The page is a local file and loads nothing
# from the network.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 REPORT.html [OUTPUT.png] [WIDTHxHEIGHT]" >&2
    exit 2
fi

input=$1
if [ ! -f "$input" ]; then
    echo "error: $input not found; give the path of an HTML file" >&2
    exit 2
fi
output=${2:-${input%.*}.png}
size=${3:-1280x2400}
if ! [[ $size =~ ^[0-9]+x[0-9]+$ ]]; then
    echo "error: window size '$size' is invalid; give WIDTHxHEIGHT in pixels, such as 1280x2400" >&2
    exit 2
fi

browser=""
for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser=$candidate
        break
    fi
done
if [ -z "$browser" ]; then
    echo "error: chromium not found; install it with: apt-get install chromium" >&2
    exit 1
fi

absolute_input=$(realpath "$input")
absolute_output=$(realpath -m "$output")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$profile" --window-size="${size/x/,}" \
    --screenshot="$absolute_output" "file://$absolute_input" >/dev/null 2>&1

if [ ! -s "$absolute_output" ]; then
    echo "error: chromium wrote no screenshot to $absolute_output" >&2
    exit 1
fi
echo "$absolute_output"
