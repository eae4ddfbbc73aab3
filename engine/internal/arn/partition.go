package arn

import "slices"

// Partitions are AWS's partitions, the second field of every ARN.
var Partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// IsPartition reports whether s is one of AWS's partitions.
func IsPartition(s string) bool { return slices.Contains(Partitions, s) }
