"""The ``iptclinic`` command: tools for analysts and reviewers that need no database.

Each subcommand lives beside the rules it applies; this module only dispatches, so that
``iptclinic --help`` lists them all.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="iptclinic", description="IPT Clinic tools that run without the web application."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    suggest = commands.add_parser(
        "suggest-focus",
        help="rank the four IPT problem areas for a case file and print the evidence as JSON",
    )
    suggest.add_argument("case_file", metavar="CASE.json")
    outcomes = commands.add_parser(
        "outcomes",
        help="classify paired PHQ-9/GAD-7 scores by NHS Talking Therapies rules and print rates",
    )
    outcomes.add_argument("csv_file", metavar="FILE.csv")
    args = parser.parse_args(argv)

    if args.command == "suggest-focus":
        from iptclinic.ipt.casefile import run_suggest_focus

        return run_suggest_focus(args.case_file, sys.stdout, sys.stderr)
    from iptclinic.ipt.outcomes_csv import run_outcomes

    return run_outcomes(args.csv_file, sys.stdout, sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
