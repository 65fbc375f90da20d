"""Run the OCA hooks of .pre-commit-config.yaml with the pinned tools, without pre-commit.

pre-commit would clone each hook repository at its rev; this runner reads the same file and
runs the same entries with the same arguments on the same files (global exclude, the hook's
files/exclude, its file types), using the tools scripts/lint_oca.sh installed from
requirements-lint.txt. It refuses to run when an installed version differs from the rev
pinned in .pre-commit-config.yaml, and fails on any finding, including those of the
optional pylint run that OCA's hook reports with --exit-zero.

Usage: lint_oca.py --bin <venv bin dir> [path ...]  (paths narrow the files checked)
"""

import argparse
import collections
import os
import re
import subprocess
import sys
from importlib import metadata

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, ".pre-commit-config.yaml")
REQUIREMENTS = os.path.join(ROOT, "requirements-lint.txt")

# The hook definitions of the two OCA repositories (their .pre-commit-hooks.yaml): the
# PyPI distribution of each repository, and per hook id its entry and file types.
HOOK_REPOS = {
    "https://github.com/OCA/odoo-pre-commit-hooks": (
        "oca-odoo-pre-commit-hooks",
        {
            "oca-checks-odoo-module": {
                "entry": "oca-checks-odoo-module",
                "types_or": ["csv", "markdown", "pofile", "python", "rst", "xml"],
            },
            "oca-checks-po": {"entry": "oca-checks-po", "types_or": ["pofile"]},
        },
    ),
    "https://github.com/OCA/pylint-odoo": (
        "pylint-odoo",
        {"pylint_odoo": {"entry": "pylint", "types_or": ["python"]}},
    ),
}
FILE_TYPES = {
    ".py": "python",
    ".xml": "xml",
    ".csv": "csv",
    ".md": "markdown",
    ".rst": "rst",
    ".po": "pofile",
    ".pot": "pofile",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# pylint: "path:12: [W8113(attribute-string-redundant), Class] ..."
PYLINT_FINDING = re.compile(r"^(?P<path>[^\s:]+):\d+: \[[A-Z]\d+\((?P<check>[a-z0-9-]+)\)")
# oca-checks-*: "path:12: xml-header-wrong ..."
OCA_FINDING = re.compile(r"^(?P<path>[^\s:]+):\d+: (?P<check>[a-z0-9-]+) ")


def repo_files():
    """Tracked and new (not ignored) files, as `pre-commit run --all-files` plus new ones."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return sorted(f for f in set(out) if os.path.isfile(os.path.join(ROOT, f)))


def in_paths(path, prefixes):
    return not prefixes or any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def pinned_requirements():
    pins = {}
    with open(REQUIREMENTS, encoding="utf-8") as fh:
        for line in fh:
            match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
            if match:
                pins[match.group(1).lower()] = match.group(2)
    return pins


def check_versions(config):
    """The installed tools, requirements-lint.txt and the yaml revs must be one version."""
    pins = pinned_requirements()
    errors = []
    for repo in config["repos"]:
        if repo["repo"] not in HOOK_REPOS:
            continue
        dist = HOOK_REPOS[repo["repo"]][0]
        rev = str(repo["rev"]).removeprefix("v")
        try:
            installed = metadata.version(dist)
        except metadata.PackageNotFoundError:
            installed = None
        if pins.get(dist) != rev:
            pinned = pins.get(dist)
            errors.append(f"{dist}: requirements-lint.txt pins {pinned}, the yaml rev is {rev}")
        if installed != rev:
            errors.append(f"{dist}: {installed} installed, the yaml rev is {rev}")
    return errors


def select(files, config, hook, types_or):
    include = re.compile(hook.get("files", ""))
    exclude = re.compile(hook["exclude"]) if hook.get("exclude") else None
    global_exclude = re.compile(config.get("exclude", "^$"))
    chosen = []
    for f in files:
        if global_exclude.search(f) or not include.search(f):
            continue
        if exclude and exclude.search(f):
            continue
        if types_or is not None and FILE_TYPES.get(os.path.splitext(f)[1]) not in types_or:
            continue
        chosen.append(f)
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="bin directory of the lint virtualenv")
    parser.add_argument(
        "paths",
        nargs="*",
        help="report only the findings in these files or folders (the tools still read every"
        " file of the add-ons: module checks need the whole module)",
    )
    args = parser.parse_args()

    with open(CONFIG, encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    errors = check_versions(config)
    if errors:
        print("OCA lint: version mismatch:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 2

    files = repo_files()
    prefixes = [os.path.relpath(os.path.abspath(p), ROOT) for p in args.paths]
    counts = collections.Counter()
    per_file = collections.Counter()
    failed = []
    seen = set()
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            name = hook.get("name", hook["id"])
            if repo["repo"] == "local":
                if hook.get("language") != "fail":
                    print(f"OCA lint: local hook {hook['id']} is not supported", file=sys.stderr)
                    return 2
                hits = [f for f in select(files, config, hook, None) if in_paths(f, prefixes)]
                if hits:
                    print(f"- {name}: {hook['entry']}\n  " + "\n  ".join(hits))
                    counts[hook["id"]] += len(hits)
                    per_file.update(hits)
                    failed.append(name)
                continue
            if repo["repo"] not in HOOK_REPOS:
                print(f"OCA lint: no runner for {repo['repo']}", file=sys.stderr)
                return 2
            definition = HOOK_REPOS[repo["repo"]][1][hook["id"]]
            targets = select(files, config, hook, definition["types_or"])
            if not targets:
                continue
            cmd = [os.path.join(args.bin, definition["entry"]), *hook.get("args", []), *targets]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            output = ANSI.sub("", proc.stdout + proc.stderr)
            pattern = PYLINT_FINDING if definition["entry"] == "pylint" else OCA_FINDING
            findings = [
                (m, line)
                for line in output.splitlines()
                if (m := pattern.match(line)) and in_paths(m.group("path"), prefixes)
            ]
            # A failing exit without a finding (a crash, a bad option) fails too.
            crashed = proc.returncode != 0 and not any(map(pattern.match, output.splitlines()))
            status = "FAILED" if findings or crashed else "ok"
            print(f"- {name} ({hook['id']}, {len(targets)} files): {status}")
            if crashed:
                print(output.rstrip())
            for _m, line in findings:
                print(line)
            if status != "ok":
                failed.append(name)
            # The optional and the mandatory pylint runs report the same mandatory findings:
            # count each once.
            for m, line in findings:
                if line in seen:
                    continue
                seen.add(line)
                counts[m.group("check")] += 1
                per_file[m.group("path")] += 1
    if failed:
        print("\nOCA lint findings per check:")
        for check, n in counts.most_common():
            print(f"  {n:4d} {check}")
        print("OCA lint findings per file:")
        for path, n in sorted(per_file.items()):
            print(f"  {n:4d} {path}")
        print(f"OCA lint FAILED: {', '.join(dict.fromkeys(failed))}", file=sys.stderr)
        return 1
    print("OCA lint: no findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
