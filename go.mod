module github.com/cpcgen/cpcgen

go 1.25.0
