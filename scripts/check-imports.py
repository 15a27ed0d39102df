#!/usr/bin/env python3
"""Every `import` of one of our own modules must be a declared dependency of the importing target.

SwiftPM builds an undeclared module anyway when another target happens to pull it in first, so a missing
dependency can build for weeks on a warm machine and fail on CI's fresh clone (it did: PDFReaderTests imported
Kernel). This reads `swift package dump-package` and each target's sources; it builds nothing.
"""
import glob
import json
import re
import subprocess
import sys

package = json.loads(subprocess.run(["swift", "package", "dump-package"], capture_output=True, text=True,
                                    check=True).stdout)
ours = {target["name"] for target in package["targets"]}
import_line = re.compile(r"\s*(?:@testable\s+|@_spi\(\w+\)\s+|@preconcurrency\s+)*import\s+(?:\w+\s+)?(\w+)")
problems = []
for target in package["targets"]:
    declared = {entry[0] for dependency in target["dependencies"] for entry in dependency.values()}
    folder = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]
    for source in sorted(glob.glob(f"{folder}/**/*.swift", recursive=True)):
        with open(source, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                found = import_line.match(line)
                if found and found.group(1) in ours and found.group(1) not in declared | {target["name"]}:
                    problems.append(f"{source}:{number}: imports {found.group(1)}, "
                                    f"which {target['name']} does not declare in Package.swift")
print("\n".join(problems), file=sys.stderr)
sys.exit(1 if problems else 0)
