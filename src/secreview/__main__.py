"""``python -m secreview``: the same as the ``secreview`` command."""

from secreview.cli import main

main()
