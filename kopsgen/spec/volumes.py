"""EBS volume performance as AWS will be asked for it: one rule for the builders that ask for volumes
(launch templates, etcd volumes) and for validation, which checks the volume that will be built.

The spec keeps what the user wrote (defaults only fill in what is missing); the values a volume gets
are decided here, as kops decides them while building: gp3 takes IOPS and throughput, io1 and io2 take
IOPS only, other types take neither, and values below AWS's minimum for the type are raised to it.
"""

from __future__ import annotations

# The smallest performance settings AWS accepts for a volume type; kops raises lower values to these.
GP3_MIN_IOPS = 3000
GP3_MIN_THROUGHPUT = 125
IO_MIN_IOPS = 100
# The most IOPS per GiB of size a volume type allows (kops's limits; a gp3 volume may always have 3000).
MAX_IOPS_PER_GIB = {"io1": 50, "io2": 500, "gp3": 500}
# gp3: at most 0.25 MiB/s of throughput per provisioned IOPS.
GP3_MAX_THROUGHPUT_PER_IOPS = 0.25


def ebs_performance(volume_type: str, iops: int | None, throughput: int | None) -> tuple[int | None, int | None]:
    """(IOPS, throughput) for the volume types that take them (gp3; io1 and io2 take IOPS only),
    never below the minimum; (None, None) for the others, which refuse both."""
    if volume_type == "gp3":
        return max(iops or 0, GP3_MIN_IOPS), max(throughput or 0, GP3_MIN_THROUGHPUT)
    if volume_type in ("io1", "io2"):
        return max(iops or 0, IO_MIN_IOPS), None
    return None, None


def performance_problems(volume_type: str, size: int | None, iops: int | None,
                         throughput: int | None) -> tuple[str | None, str | None]:
    """What AWS would refuse in the volume built from these settings: (a problem with its IOPS, a
    problem with its throughput), each None when there is none."""
    built_iops, built_throughput = ebs_performance(volume_type, iops, throughput)
    if not built_iops:
        return None, None
    got = f"got {built_iops}" if iops == built_iops else \
        f"the volume gets {built_iops}: {iops or 'unset'} is raised to the {volume_type} minimum"
    iops_problem = throughput_problem = None
    limit = MAX_IOPS_PER_GIB.get(volume_type)
    if limit and size and size > 0 and built_iops / size > limit \
            and not (volume_type == "gp3" and built_iops <= GP3_MIN_IOPS):
        iops_problem = f"{built_iops} IOPS on {size} GiB is more than {limit} IOPS per GiB, the most " \
                       f"{volume_type} allows" + ("" if iops == built_iops else f" ({got})")
    if built_throughput and built_throughput / built_iops > GP3_MAX_THROUGHPUT_PER_IOPS:
        throughput_problem = f"{built_throughput} MiB/s needs at least {built_throughput * 4} IOPS on gp3 ({got})"
    return iops_problem, throughput_problem
