from benchmarks.bronze_to_silver.run import main

main()
