//go:build race

package client

// raceEnabled reports a -race build, where allocation counts differ.
const raceEnabled = true
