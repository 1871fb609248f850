"""`zhongjian score INSTRUMENT ANSWER...`: score one set of answers and print it as JSON."""

import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongjian.core.errors import DomainError
from zhongjian.voice.scoring import load_instrument, parse_answer_tokens, score_answers


class Command(BaseCommand):
    help = (
        "Scores one person's answers to a bundled instrument and prints the score as JSON. "
        "Answers follow the item order; '-' or 'x' marks a missing answer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="instrument code, e.g. who5, cbi_work, pss10")
        parser.add_argument("answers", nargs="*", help="one answer value per item, in item order")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = load_instrument(options["instrument"])
            answers = parse_answer_tokens(instrument=instrument, tokens=options["answers"])
            score = score_answers(instrument=instrument, answers=answers)
        except DomainError as error:
            raise CommandError("\n".join([error.message, *error.errors])) from error
        self.stdout.write(json.dumps(dataclasses.asdict(score), ensure_ascii=False))
