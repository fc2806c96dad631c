"""The in-tree test double for :class:`pytalos.machined.netns.IpRunner`: records every ``ip`` command
instead of running it, so namespace, veth and bridge plans (the launcher's, the provisioner's) are
unit-tested without root; ``fail_on`` makes the first matching checked command fail as ``ip`` would.
"""

from __future__ import annotations

from .netns import NetnsError


class RecordingIp:
    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    def __call__(self, *args: str, check: bool = True) -> None:
        line = " ".join(args)
        self.calls.append(line)
        if self.fail_on is not None and self.fail_on in line and check:
            raise NetnsError(f"ip {line}: RTNETLINK answers: File exists")
