// cni-cli is the fast-start benchmark's anchor: what a runtime built on Debian's libcni
// (golang-github-appc-cni-dev, the library containerd, CRI-O and Multus use) pays for one CNI
// call in a fresh process — the same work as `podnic cni add|del`: find the network in a
// configuration directory, run its plugin chain, keep the result in libcni's cache.
//
//	cni-cli add|del CONF_DIR NET BIN_DIR CACHE_DIR NETNS IFNAME CONTAINER_ID
//
// Prints the result (add); exits 1 with the error on stderr.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) != 9 {
		fmt.Fprintln(os.Stderr, "usage: cni-cli add|del CONF_DIR NET BIN_DIR CACHE_DIR NETNS IFNAME CONTAINER_ID")
		os.Exit(2)
	}
	command, confDir, net, binDir, cacheDir := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	list, err := libcni.LoadConfList(confDir, net)
	check(err)
	rt := &libcni.RuntimeConf{ContainerID: os.Args[8], NetNS: os.Args[6], IfName: os.Args[7]}
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(binDir), cacheDir, nil)
	switch command {
	case "add":
		result, err := cni.AddNetworkList(context.Background(), list, rt)
		check(err)
		check(result.Print())
	case "del":
		check(cni.DelNetworkList(context.Background(), list, rt))
	default:
		fmt.Fprintln(os.Stderr, "unknown command", command)
		os.Exit(2)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
