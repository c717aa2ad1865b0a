package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWrittenTables(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT * FROM accounts", nil},
		{"DELETE FROM accounts WHERE id = @id", []string{"delete accounts"}},
		{"delete from only public.Accounts", []string{"delete accounts"}},
		{`UPDATE "Accounts" SET x = 1`, []string{"update Accounts"}},
		{"UPDATE ONLY accounts SET x = 1", []string{"update accounts"}},
		{"INSERT INTO a (x) VALUES (1) ON CONFLICT (x) DO UPDATE SET x = 2", []string{"insert a"}},
		{"SELECT * FROM a FOR UPDATE OF a", nil},
		{"SELECT * FROM a FOR NO KEY UPDATE SKIP LOCKED", nil},
		{"WITH d AS (DELETE FROM a RETURNING id) UPDATE b SET n = n - 1 FROM d WHERE b.id = d.id", []string{"delete a", "update b"}},
		{"TRUNCATE TABLE ONLY a, b, ONLY c CASCADE", []string{"truncate a", "truncate b", "truncate c"}},
		{"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = s.x", []string{"merge t"}},
		{"SELECT 'DELETE FROM a' -- UPDATE b\n/* INSERT INTO c */", nil},
		{"DO $$ BEGIN UPDATE a SET x = 1; END $$", []string{"update a"}},
		{"UPDATE a SET x = 1; UPDATE a SET y = 2; delete from b", []string{"update a", "delete b"}},
		{"DELETE FROM a; INSERT INTO a VALUES (1)", []string{"delete a", "insert a"}},
		{"SELECT \"update\" FROM a", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, w := range WrittenTables(tc.sql) {
			got = append(got, w.Verb+" "+w.Name)
			if w.Offset < 0 || w.Offset >= len(tc.sql) {
				t.Errorf("%q: offset %d out of range", tc.sql, w.Offset)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.sql, diff)
		}
	}
}
