"""`python -m backcover.cli`: the same command line as `backcover`."""

from backcover.cli import main

if __name__ == "__main__":
    main()
