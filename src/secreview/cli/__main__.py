"""``python -m secreview.cli``: the same as the ``secreview`` command."""

from secreview.cli import main

main()
