//go:build race

package message

// raceEnabled reports a -race build: sync.Pool then drops items at
// random, so allocation counts do not hold.
const raceEnabled = true
