package schema

import "testing"

func TestViolationText(t *testing.T) {
	tests := []struct {
		v    Violation
		want string
	}{
		{Violation{NoAckedLoss, 12, []string{"p-00000042"}}, "no acknowledged message lost: 12 lost (e.g. p-00000042)"},
		{Violation{NoBelievedLoss, 3, nil}, "no believed-sent message lost: 3 believed sent but lost"},
		{Violation{NoDuplicates, 2, []string{"a", "b"}}, "no duplicates: 2 duplicate copies (e.g. a, b)"},
		{Violation{NoPresentAlthoughFailed, 1, []string{"a"}}, "no message present although its send failed: 1 present although their send failed (e.g. a)"},
		{Violation{NoReordering, 7, []string{"a"}}, "no reordering within a partition: 7 out of order (e.g. a)"},
		{Violation{Guarantee: "no bugs"}, `unknown guarantee "no bugs": cannot be checked`},
	}
	for _, tt := range tests {
		if got := tt.v.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestExpectationHas(t *testing.T) {
	e := Expectation{NoDuplicates}
	if !e.Has(NoDuplicates) || e.Has(NoAckedLoss) || Expectation(nil).Has(NoAckedLoss) {
		t.Fatal("Has is wrong")
	}
	if len(AllGuarantees()) != 5 {
		t.Fatal("AllGuarantees should name all five")
	}
}
