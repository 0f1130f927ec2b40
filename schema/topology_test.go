package schema

import "testing"

func TestPartitionLinksCoverBothDirections(t *testing.T) {
	links := NodeLinks([]int{1}, []int{2, 3}, Internal, Controller)
	if len(links) != 8 {
		t.Fatalf("got %d links, want 8: %v", len(links), links)
	}
	seen := map[Link]bool{}
	for _, l := range links {
		seen[l] = true
	}
	for _, want := range []Link{{From: 1, To: 2, Kind: Internal}, {From: 2, To: 1, Kind: Internal}, {From: 3, To: 1, Kind: Controller}, {From: 1, To: 3, Kind: Controller}} {
		if !seen[want] {
			t.Errorf("missing link %s", want)
		}
	}
}
