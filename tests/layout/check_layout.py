#!/usr/bin/env python3
"""Keeps the house rules of the source tree (README, "Layout"):

1. Arrows point down. Every #include "a/b/..." from a file in room R names a room R may use
   (ALLOWED below). The runtimes never include each other; models/ includes no runtime.
2. No I/O in the policy core, no ns-3 in realnet/, no Asio or ldns in sim/ (FORBIDDEN_SYSTEM).
3. A file name does not repeat its folder: realnet/streaming/cache_service.h, never
   realnet/streaming/streaming_cache_service.h.
4. One CMake library per room: every folder holding .cpp files is a cdnlab_room(...) in its
   tree's CMakeLists.txt (cli/ is the program itself).

Prints every violation as FILE:LINE: reason and exits 1 if there is any.
Usage: check_layout.py [SOURCE_DIR]
"""
import os
import re
import sys

CAPABILITIES = ("routing", "federation", "streaming")

# room -> rooms it may include (besides itself). A room is a folder holding code.
ALLOWED = {
    "models/core": {"models/ports"},
    "models/ports": {"models/core", "models/net", "models/routing"},
    "models/net": {"models/ports"},
    "models/geo": set(),
    "models/topology": {"models/geo"},
    "models/routing": {"models/core", "models/ports", "models/net", "models/geo", "models/topology"},
    "models/federation": {"models/core", "models/ports", "models/net"},
    "models/streaming": {"models/core", "models/ports", "models/net"},
    "scenarios/core": {"models/*"},
    "scenarios/routing": {"models/*", "scenarios/core"},
    "scenarios/federation": {"models/*", "scenarios/core"},
    "scenarios/streaming": {"models/*", "scenarios/core", "scenarios/federation"},
    "scenarios/loader": {"models/*", "scenarios/*"},
    "scenarios/import": {"models/*", "scenarios/core"},
    "analysis": {"models/*"},
    "analysis/report": {"models/*", "analysis"},
    "sim/net": {"models/*", "scenarios/core", "analysis"},
    "sim/flow": {"models/*", "scenarios/core", "analysis", "sim/net"},
    "sim/routing": {"models/*", "scenarios/core", "scenarios/routing", "analysis", "sim/net", "sim/flow"},
    "sim/federation": {"models/*", "scenarios/core", "scenarios/federation", "analysis", "sim/net", "sim/flow"},
    "sim/streaming": {"models/*", "scenarios/core", "scenarios/streaming", "analysis", "sim/net", "sim/flow"},
    "realnet/net": {"models/*", "scenarios/core"},
    "realnet/dns": {"models/*", "scenarios/core", "realnet/net"},
    "realnet/routing": {"models/*", "scenarios/core", "scenarios/routing", "realnet/net", "realnet/dns"},
    "realnet/rum": {"models/*", "scenarios/core", "realnet/net", "realnet/routing"},
    "realnet/federation": {"models/*", "scenarios/core", "scenarios/federation", "realnet/net"},
    "realnet/streaming": {"models/*", "scenarios/core", "scenarios/streaming", "realnet/net"},
    "emulation": {"models/*", "scenarios/*", "analysis", "sim/*", "realnet/net"},
    "cli": {"models/*", "scenarios/*", "analysis", "analysis/*", "sim/*", "realnet/*", "emulation", "cli/*"},
    "cli/sweep": {"models/*", "scenarios/*", "analysis", "analysis/*", "cli"},
    "cli/realnet": {"models/*", "scenarios/*", "analysis", "realnet/*", "cli"},
}

FORBIDDEN_SYSTEM = {
    "models": r"ns3/|boost/asio|boost/beast|sys/socket|netinet/|arpa/inet|ldns/|yaml-cpp/",
    "scenarios": r"ns3/|boost/asio|boost/beast|ldns/",
    "analysis": r"ns3/|boost/asio|boost/beast|ldns/",
    "realnet": r"ns3/",
    "sim": r"boost/asio|boost/beast|ldns/",
}

CODE = (".h", ".cpp", ".h.in", ".cpp.in")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def room_of(path):
    """The room a repository path belongs to: its folder ('models/routing', 'analysis')."""
    return os.path.dirname(path)


def allowed(src_room, target_room):
    if target_room == src_room:
        return True
    for pattern in ALLOWED.get(src_room, ()):
        if pattern == target_room:
            return True
        if pattern.endswith("/*") and target_room.startswith(pattern[:-1]):
            return True
    return False


def code_files(root, top):
    for folder, dirs, files in os.walk(os.path.join(root, top)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(CODE):
                yield os.path.relpath(os.path.join(folder, name), root)


def check(root):
    problems = []
    tops = ("models", "scenarios", "analysis", "sim", "realnet", "emulation", "cli")
    rooms_with_code = set()
    for top in tops:
        for path in code_files(root, top):
            room = room_of(path)
            if room not in ALLOWED:
                problems.append(f"{path}:1: folder '{room}' is not a room of the layout (tests/layout/check_layout.py ALLOWED)")
                continue
            if path.endswith(".cpp"):
                rooms_with_code.add(room)
            # 3. the name does not repeat a folder it lives in
            stem = os.path.basename(path)
            for folder in room.split("/"):
                if stem.startswith(folder + "_"):
                    problems.append(f"{path}:1: file name repeats its folder '{folder}'")
            # 1 and 2. includes
            with open(os.path.join(root, path), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    kind, target = m.groups()
                    banned = FORBIDDEN_SYSTEM.get(top)
                    if banned and re.match(banned, target):
                        problems.append(f"{path}:{number}: {top}/ must not include <{target}>")
                    if kind != '"' or "/" not in target:
                        continue
                    target_room = os.path.dirname(target)
                    if target.split("/")[0] not in tops:
                        continue
                    if not allowed(room, target_room):
                        problems.append(f"{path}:{number}: room '{room}' may not include '{target}' (arrow points up or sideways)")
    # 4. one library per room
    rooms_in_cmake = set()
    call = re.compile(r"cdnlab_room\(\s*(\S+)\s+(\S+)")
    for top in tops:
        cmake = os.path.join(root, top, "CMakeLists.txt")
        if not os.path.exists(cmake):
            continue
        for m in call.finditer(open(cmake, encoding="utf-8").read()):
            folder = m.group(2)
            rooms_in_cmake.add(top if folder == "." else f"{top}/{folder}")
    for room in sorted(rooms_with_code):
        if room.split("/")[0] == "cli":
            continue
        if room not in rooms_in_cmake:
            problems.append(f"{room}/CMakeLists.txt:1: room '{room}' has code but no cdnlab_room(...) library")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    problems = check(os.path.abspath(root))
    for p in problems:
        print(p)
    print(f"layout: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
