package finance

//go:generate go run github.com/cpcgen/cpcgen/cmd/cpcgen generate
