from kopsgen.cli import main

main()
