package cluster

import (
	"reflect"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// The table of `kafka-metadata-quorum describe --replication` is read
// row by row; the admin client's log lines around it, even with as many
// fields, are not members.
func TestParseReplication(t *testing.T) {
	out := `[2026-12-02 11:40:57,703] INFO Metrics scheduler closed (org.apache.kafka.common.metrics.Metrics)
NodeId	DirectoryId           	LogEndOffset	Lag	LastFetchTimestamp	LastCaughtUpTimestamp	Status
2     	CWlZWxoRqBO2nFNdscaOIw	1510        	0  	1764675657000     	1764675657000        	Leader
1     	0FSmx-tsCBYP6YvmuV-n-g	1510        	0  	1764675656900     	1764675656900        	Follower
3     	eS6sigP8Uac67cGoJbBbzQ	1500        	10 	1764675656800     	1764675656800        	Observer
[2026-12-02 11:40:57,714] INFO App info kafka.admin.client for adminclient-1 unregistered (org.apache.kafka.common.utils.AppInfoParser)
`
	got, err := parseReplication(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []schema.QuorumMember{
		{Node: 2, DirectoryID: "CWlZWxoRqBO2nFNdscaOIw", Status: "Leader"},
		{Node: 1, DirectoryID: "0FSmx-tsCBYP6YvmuV-n-g", Status: "Follower"},
		{Node: 3, DirectoryID: "eS6sigP8Uac67cGoJbBbzQ", Status: "Observer"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("members\n got %v\nwant %v", got, want)
	}
	if _, err := parseReplication("Error while describing the quorum\n"); err == nil {
		t.Error("output without a table read as an empty quorum")
	}
}
