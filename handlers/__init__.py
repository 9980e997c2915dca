"""Chat platforms in and out: the only package that imports telegram or slack SDKs."""
