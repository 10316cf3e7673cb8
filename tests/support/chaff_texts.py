"""Plain texts for the chaff tests: the seed page's text (not in the repository) and our own
page in its shape."""

from __future__ import annotations

import os
from pathlib import Path

# The seed: the text of a real news page, copied with its chaff, that the text rules were first
# written against. It is third-party text, not ours to redistribute, so it lies outside the
# repository, in the folder WINNOW_SEEDS names (default below); the tests that read it are skipped
# where it is missing.
SEEDS = Path(os.environ.get("WINNOW_SEEDS", Path(__file__).resolve().parents[3] / "shared" / "seeds"))
SEED = SEEDS / "moscow-times-syria.txt"

# Our own page in the seed's shape: an appeal above the title, the article, then a newsletter
# box and a donation appeal down to its buttons. Written for these tests; CC0.
LOOKALIKE = """\
Support The Lakeside Ledger!

Ferry operator cancels winter timetable after engine failures

Passengers wait at the north pier in Lakeside on Monday, Jan. 12, 2026. Ledger photo / M. Ortiz

The operator of the only ferry across Lake Varne said on Monday it would cancel its winter timetable after two of its three vessels failed safety inspections last week.

Lakeside Ferries said the remaining boat would run four crossings a day instead of twelve until at least March, and that it had asked the regional transport authority for an emergency grant to hire a replacement vessel.

It was not a surprise to everyone.

Commuters said the cuts would add two hours to a journey that many make every day. "I will lose my job if I cannot get to the hospital by seven," said Irena Holm, a nurse who lives on the north shore.

The transport authority said it would decide on the grant by Friday. Its chair, Pavel Dunn, said the operator had known about the engine problems since the autumn and should have planned for them.

Sign up for our free weekly newsletter

Our weekly newsletter brings you the best of the Ledger's reporting. You will receive it in your inbox every Sunday. Never miss a story from the lake. Preview
Subscribers agree to the Privacy Policy

A message from The Lakeside Ledger:

Dear readers,

We are a small newsroom, and the last year has been hard for us. Our advertising income has fallen by a third, and we have had to cut our print edition to two days a week.

We believe local reporting matters. We, the reporters of the Ledger, want to keep doing this work. But we need your help.

Your support, no matter how small, keeps us going. If you can, please support us monthly from just $3. It takes a minute, and every contribution counts.

Once
Monthly
Annual
Continue
payment methods
Not ready to support today?
Remind me later.

Read more
"""
