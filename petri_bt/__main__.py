"""`python -m petri_bt` and the `petri-bt` console script."""

from petri_bt.cli import main

if __name__ == "__main__":
    main()
