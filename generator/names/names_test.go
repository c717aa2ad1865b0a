package names

import "testing"

// TestNames checks each function that derives a name from another, on
// the names it is given and the names it must return.
func TestNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fn    func(string) string
		cases map[string]string
	}{
		{"GoName", GoName, map[string]string{
			"user_id":          "UserID",
			"http_url":         "HTTPURL",
			"order_items":      "OrderItems",
			"2fa_enabled":      "X2faEnabled",
			"in progress":      "InProgress",
			"ids":              "IDs",
			"api_keys":         "APIKeys",
			"it's complicated": "ItsComplicated",
			"USD":              "USD",
			"closed_won":       "ClosedWon",
			"---":              "",
			"über":             "Über",
		}},
		{"LowerName", LowerName, map[string]string{
			"user_id": "userID",
			"id":      "id",
			"url":     "url",
			"type":    "type_",
			"func":    "func_",
			"ctx":     "ctx_",
			"limit":   "limit_",
			"http_id": "httpID",
			"9lives":  "v9lives",
		}},
		{"ModelName", ModelName, map[string]string{
			"users":          "User",
			"categories":     "Category",
			"addresses":      "Address",
			"people":         "Person",
			"status":         "Status",
			"order_items":    "OrderItem",
			"account_status": "AccountStatus",
			"ledger_entries": "LedgerEntry",
			"boxes":          "Box",
			"warehouses":     "Warehouse",
			"inventory":      "Inventory",
			"companies":      "Company",
			"news":           "News",
			"user":           "User",
			"order":          "Order",
			"analyses":       "Analysis",
			"buses":          "Bus",
			"matches":        "Match",
			"heroes":         "Hero",
			"data":           "Data",
			"tags":           "Tag",
			"customer_tags":  "CustomerTag",
			"transactions":   "Transaction",
			"devices":        "Device",
			"invoices":       "Invoice",
			"responses":      "Response",
		}},
		{"Plural", Plural, map[string]string{
			"Customer": "Customers", "Category": "Categories", "Address": "Addresses", "Person": "People",
			"Status": "Statuses", "LedgerEntry": "LedgerEntries", "Key": "Keys", "Box": "Boxes", "Match": "Matches",
			"Data": "Data", "Metadata": "Metadata", "Leaf": "Leaves", "OrderLine": "OrderLines", "Rental": "Rentals",
			"News": "News", "Quiz": "Quizzes", "Child": "Children", "Series": "Series", "Bus": "Buses", "Shop": "Shops",
		}},
		{"FileName", FileName, map[string]string{
			"order_lines":     "order_lines",
			"OrderLine":       "order_line",
			"_variable":       "variable",
			"_CategoryToPost": "category_to_post",
			"__":              "table",
			// Names the go command would read as build constraints.
			"maintenance_windows": "maintenance_windows_table",
			"MaintenanceWindows":  "maintenance_windows_table",
			"build_linux_amd64":   "build_linux_amd64_table",
			"x_js_test":           "x_js_test_table",
			"windows":             "windows",
			"app_test":            "app_test",
			"arm_rest":            "arm_rest",
		}},
		{"LowerGoName", LowerGoName, map[string]string{
			"ShopID": "shopID", "URL": "url", "URLPath": "urlPath", "IDs": "ids", "Type": "type_", "X": "x", "Name": "name",
		}},
	} {
		for in, want := range tc.cases {
			if got := tc.fn(in); got != want {
				t.Errorf("%s(%q) = %q, want %q", tc.name, in, got, want)
			}
		}
	}
}

func TestConstraintName(t *testing.T) {
	short := Constraint("users", "email", "key")
	if short != "users_email_key" {
		t.Fatalf("got %q", short)
	}
	long1 := Constraint("a_very_long_table_name_that_goes_on_and_on", "and_a_long_column_name_too", "key")
	long2 := Constraint("a_very_long_table_name_that_goes_on_and_on", "and_a_long_column_name_to", "key")
	if len(long1) > 63 || len(long2) > 63 {
		t.Fatalf("names longer than 63 bytes: %q %q", long1, long2)
	}
	if long1 == long2 {
		t.Fatalf("two long names collide: %q", long1)
	}
}

func TestJoinAndOr(t *testing.T) {
	for _, c := range []struct {
		words   []string
		and, or string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a and b", "a or b"},
		{[]string{"a", "b", "c"}, "a, b and c", "a, b or c"},
	} {
		if got := JoinAnd(c.words); got != c.and {
			t.Errorf("JoinAnd(%q) = %q, want %q", c.words, got, c.and)
		}
		if got := JoinOr(c.words); got != c.or {
			t.Errorf("JoinOr(%q) = %q, want %q", c.words, got, c.or)
		}
	}
}
