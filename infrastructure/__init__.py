"""The AWS CDK app that deploys Marquee (see ``app.py``; ``make synth`` / ``make deploy``)."""
