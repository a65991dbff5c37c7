"""EBS volume settings shared by the builders that ask for volumes (instance groups, etcd)."""

from __future__ import annotations

# The smallest performance settings AWS accepts for a volume type; kops raises lower values to these.
GP3_MIN_IOPS = 3000
GP3_MIN_THROUGHPUT = 125
IO_MIN_IOPS = 100


def ebs_performance(volume_type: str, iops: int | None, throughput: int | None) -> tuple[int | None, int | None]:
    """(IOPS, throughput) for the volume types that take them (gp3; io1 and io2 take IOPS only),
    never below the minimum; (None, None) for the others, which refuse both."""
    if volume_type == "gp3":
        return max(iops or 0, GP3_MIN_IOPS), max(throughput or 0, GP3_MIN_THROUGHPUT)
    if volume_type in ("io1", "io2"):
        return max(iops or 0, IO_MIN_IOPS), None
    return None, None
