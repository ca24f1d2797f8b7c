"""Bronze → silver: the pure normalization rules and the engines that apply them."""
