"""Apps that add their own demo history after the registry is built (pipeline, voice …).

Each entry is a dotted path to `extend(*, county, seed, today) -> str`, returning a one-line
summary; an app appends its entry here when it has demo data to add.
"""

DEMO_EXTENSIONS: list[str] = [
    "zhongjian.demo.pipeline.extend",
    "zhongjian.voice.demo.extend",
    "zhongjian.demo.care.extend",
    "zhongjian.demo.workload.extend",
]
