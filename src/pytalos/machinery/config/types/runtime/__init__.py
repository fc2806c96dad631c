"""Runtime documents (Talos ``pkg/machinery/config/types/runtime``): environment, /etc files, kernel
modules and parameters, logging and event sinks, OOM handling, watchdog, unattended install.

Importing the package registers every kind with the document registry.
"""

from __future__ import annotations

from .environment import EnvironmentV1Alpha1
from .etc_file import EtcFileConfigV1Alpha1
from .event_sink import EventSinkV1Alpha1
from .kernel_module import KernelModuleConfigV1Alpha1
from .kmsg_log import KmsgLogV1Alpha1
from .oom import OOMV1Alpha1
from .security_profile import SecurityProfileConfigV1Alpha1
from .sysctl import SysctlConfigV1Alpha1, SysfsConfigV1Alpha1
from .udev_rules import UdevRulesConfigV1Alpha1
from .unattended_install import (
    DiskSelectorSpec,
    InstallerSpec,
    ProvisioningSpec,
    UnattendedInstallConfigV1Alpha1,
)
from .watchdog_timer import WatchdogTimerV1Alpha1

__all__ = [
    "DiskSelectorSpec",
    "EnvironmentV1Alpha1",
    "EtcFileConfigV1Alpha1",
    "EventSinkV1Alpha1",
    "InstallerSpec",
    "KernelModuleConfigV1Alpha1",
    "KmsgLogV1Alpha1",
    "OOMV1Alpha1",
    "ProvisioningSpec",
    "SecurityProfileConfigV1Alpha1",
    "SysctlConfigV1Alpha1",
    "SysfsConfigV1Alpha1",
    "UdevRulesConfigV1Alpha1",
    "UnattendedInstallConfigV1Alpha1",
    "WatchdogTimerV1Alpha1",
]
