"""``make bench``: the performance figures of the README, measured in one run.

Not part of ``make test``: it prints ratios (never asserts times) between our code and
the simplest thing that does the same job, measured side by side in the same run, because
absolute times on a shared 2-core machine mean little. ``python -m bench --help``.
"""
