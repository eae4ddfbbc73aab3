package webapp

// SizeMeterMax is the scale of the size meter: the managed-policy quota,
// the one most policies are written for.
const SizeMeterMax = 6144
