from japan_nato.cli import main

main()
