from mediastore_emulator.cli import main

raise SystemExit(main())
