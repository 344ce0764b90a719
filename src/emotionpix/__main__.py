from emotionpix.cli import main

main()
