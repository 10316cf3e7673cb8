"""The tables bench/extraction.py prints to stderr: each system's scores on the Scrapinghub benchmark
with winnow's comparison, and both systems' shares on the string set."""

from __future__ import annotations

from bench.extraction_systems import BASELINE, SAME_WORK, WINNOW


def table(result: dict) -> str:
    lines = [
        f"{result['pages']} pages, {result['date']}, load {result['loadavg_1m_at_start']},"
        f" trafilatura {result['versions']['trafilatura']}",
        f"{'system':<26}{'P':>14}{'R':>14}{'F1':>14}{'acc':>7}{'empty':>7}{'pages/s':>9}",
    ]
    for name, s in result["systems"].items():
        scores = "".join(f"{s[m]:>8.3f}±{s[m + '_std']:.3f}" for m in ("precision", "recall", "f1"))
        lines.append(f"{name:<26}{scores}{s['accuracy']:>7.3f}{s['empty_predictions']:>7}{s['pages_per_s']:>9.1f}")
    comparison = result["comparison"]
    if "targets_met" not in comparison:
        return "\n".join(lines + [comparison["note"]])
    lines.append(f"\nspeed {WINNOW} / {BASELINE}: {comparison['speed_ratio_winnow_to_' + BASELINE]:.2f}")
    if "speed_ratio_winnow_to_" + SAME_WORK in comparison:
        lines.append(f"speed {WINNOW} / {SAME_WORK}: {comparison['speed_ratio_winnow_to_' + SAME_WORK]:.2f}")
    lines.append(
        f"pages whose {WINNOW} recall is more than {comparison['targets']['max_recall_drop']} below {BASELINE}'s:"
        f" {comparison['recall_regressions']}"
    )
    for row in comparison["worst_recall_regressions"]:
        lines.append(
            f"  {row['id'][:12]}  {row['host']:<32} recall {row['recall_' + BASELINE]:.3f} ->"
            f" {row['recall_' + WINNOW]:.3f}"
        )
    lines.append("targets_met:")
    lines += [f"  {name:<22}{'yes' if met else 'NO'}" for name, met in comparison["targets_met"].items()]
    return "\n".join(lines)


def string_table(strings: dict) -> str:
    lines = [
        f"\n{strings['pages']} pages of {strings['data']}",
        f"{'system':<26}{'with kept':>11}{'without absent':>16}{'appeals absent':>16}{'seconds':>9}",
    ]
    lines += [
        f"{name:<26}{s['with_kept']:>11.3f}{s['without_absent']:>16.3f}{s['appeals_absent']:>16.3f}{s['seconds']:>9.2f}"
        for name, s in strings["systems"].items()
    ]
    lines.append(f"time {WINNOW} / {BASELINE}: {strings['time_ratio_winnow_to_' + BASELINE]:.2f}")
    lines.append("targets_met:")
    lines += [f"  {name:<22}{'yes' if met else 'NO'}" for name, met in strings["targets_met"].items()]
    return "\n".join(lines)
