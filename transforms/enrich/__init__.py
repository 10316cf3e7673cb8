"""The enrich stage: canonical entities, their mentions and dated events from clean article text.

`enricher` runs spaCy: per article, the pipeline of its language (language.py); names are
cleaned (surfaces.py, credits.py) and resolved (entities.py); triggers (triggers.py) reported as
done (factuality.py, noun_licence.py) become events (events.py) with their actors (actors.py), place and date
(arguments.py, dates.py). dates, geo and consolidate import without spaCy.
"""
