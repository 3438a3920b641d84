#!/bin/sh
# Run the host tests (CTest: GoogleTest cases and scripts; no kernel
# needed). Writes "passed failed skipped" to $BUILD/host/counts.
set -eu

BUILD=${BUILD:-$PWD/build}
junit=$BUILD/host/ctest-junit.xml
rm -f "$junit"
set +e
ctest --test-dir "$BUILD/host" --output-on-failure --output-junit "$junit"
set -e

# The <testsuite> tag spans lines: flatten it, then pick the attribute.
attr() {
	tr '\n\t' '  ' < "$junit" |
		sed -n "s/.*<testsuite [^>]* $1=\"\([0-9]*\)\".*/\1/p"
}
if [ ! -f "$junit" ]; then
	echo "0 1 0" > "$BUILD/host/counts"
	echo "host-check: ctest produced no report" >&2
	exit 1
fi
total=$(attr tests)
failed=$(attr failures)
skipped=$(attr skipped)
passed=$((total - failed - skipped))
echo "$passed $failed $skipped" > "$BUILD/host/counts"
echo "host-check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
