"""The command line a systemd unit of realnet/deploy would run, read from the unit file itself.

For the deployment test (deployment_netns.py): it parses a unit's [Service] section, loads its
EnvironmentFile= files and expands ExecStart= the way systemd does (specifiers %i %I %S %%,
${VAR} inside a word, $VAR alone as a word split on whitespace), so that a wrong unit or env
file makes the test fail. Stricter than systemd where a mistake would otherwise pass silently:
a variable that no env file defines, an unknown specifier or a missing env file is an error.

Paths are moved into the test's directory by prefix (`remap`): /etc/cdnlab -> WORK/etc/cdnlab...
"""
import re
import shlex


class UnitError(Exception):
    pass


def _remapped(text, remap):
    for old, new in remap.items():
        text = text.replace(old, new)
    return text


def _specifiers(text, instance, state_root, where):
    def one(m):
        c = m.group(1)
        if c == "%":
            return "%"
        if c in "iI":
            if instance is None:
                raise UnitError(f"{where}: %{c} in a unit that is not a template instance")
            return instance
        if c == "S":
            return state_root
        raise UnitError(f"{where}: specifier %{c} is not handled by this test")
    return re.sub(r"%(.)", one, text)


def read_service_section(path, remap):
    """The [Service] settings of a unit file as (key, value) pairs in order (continuations joined)."""
    with open(path) as f:
        text = _remapped(f.read(), remap)
    lines = []
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if pending:
            line = pending + " " + line.lstrip()
            pending = ""
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        lines.append(line)
    section = None
    settings = []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("["):
            section = stripped
            continue
        if section != "[Service]":
            continue
        if "=" not in stripped:
            raise UnitError(f"{path}: not KEY=VALUE: {stripped}")
        key, value = stripped.split("=", 1)
        settings.append((key.strip(), value.strip()))
    return settings


def read_environment_file(path, remap, where):
    env = {}
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", line)
            if not m:
                raise UnitError(f"{path}:{n} (for {where}): not KEY=VALUE: {line}")
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[m.group(1)] = _remapped(value, remap)
    return env


def _expand_word(word, env, where):
    alone = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
    if alone:
        name = alone.group(1)
        if name not in env:
            raise UnitError(f"{where}: ExecStart uses ${name}, which no EnvironmentFile sets")
        return env[name].split()

    def one(m):
        name = m.group(1)
        if name not in env:
            raise UnitError(f"{where}: ExecStart uses ${{{name}}}, which no EnvironmentFile sets")
        return env[name]
    expanded = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", one, word)
    if "$" in expanded.replace("$$", ""):
        raise UnitError(f"{where}: unexpanded variable in '{word}'")
    return [expanded.replace("$$", "$")]


class ServiceCommand:
    """What one unit instance runs: argv, and the state directories systemd would create."""

    def __init__(self, unit_path, instance, remap, state_root):
        self.name = unit_path.rsplit("/", 1)[-1]
        if instance is not None:
            self.name = self.name.replace("@.", f"@{instance}.")
        where = self.name
        settings = read_service_section(unit_path, remap)
        self.settings = settings
        self.env = {}
        self.state_directories = []
        exec_start = None
        for key, value in settings:
            value = _specifiers(value, instance, state_root, where)
            if key == "EnvironmentFile":
                optional = value.startswith("-")
                path = value[1:] if optional else value
                try:
                    self.env.update(read_environment_file(path, remap, where))
                except FileNotFoundError:
                    if not optional:
                        raise UnitError(f"{where}: EnvironmentFile {path} does not exist")
            elif key == "ExecStart":
                if exec_start is not None:
                    raise UnitError(f"{where}: more than one ExecStart")
                exec_start = value
            elif key == "StateDirectory":
                self.state_directories += [f"{state_root}/{d}" for d in value.split()]
        if exec_start is None:
            raise UnitError(f"{where}: no ExecStart")
        self.argv = []
        for word in shlex.split(exec_start):
            self.argv += _expand_word(word, self.env, where)

    def option(self, flag):
        """The value after `flag` in the command line, or None."""
        for i, arg in enumerate(self.argv[:-1]):
            if arg == flag:
                return self.argv[i + 1]
        return None

    def setting(self, key):
        return [v for k, v in self.settings if k == key]
