"""python -m cnplan: the command line."""

from cnplan.cli import main

if __name__ == "__main__":
    main(prog_name="cnplan")
