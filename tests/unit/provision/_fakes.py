"""A recording ``ip`` for provisioner plans (no root, nothing runs)."""

from __future__ import annotations

from pytalos.machined.netns import NetnsError


class RecordingIp:
    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    def __call__(self, *args: str, check: bool = True) -> None:
        line = " ".join(args)
        self.calls.append(line)
        if self.fail_on is not None and self.fail_on in line and check:
            raise NetnsError(f"ip {line}: RTNETLINK answers: File exists")
