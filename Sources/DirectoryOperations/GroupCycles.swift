/// The cycles of a directed graph of group nesting (`parent` contains `child`), each once, as the
/// groups along it starting from its smallest id. Iterative, so a deep nesting cannot overflow
/// the stack.
enum GroupCycles {
    static func find(_ edges: [(parent: Int64, child: Int64)]) -> [[Int64]] {
        var children: [Int64: [Int64]] = [:]
        for edge in edges { children[edge.parent, default: []].append(edge.child) }
        var state: [Int64: Bool] = [:]  // false: on the current path; true: done
        var cycles: Set<[Int64]> = []
        for root in children.keys.sorted() where state[root] == nil {
            var path: [Int64] = [root]
            var next: [Int] = [0]
            state[root] = false
            while let node = path.last {
                let list = children[node] ?? []
                guard next[next.count - 1] < list.count else {
                    state[node] = true
                    path.removeLast()
                    next.removeLast()
                    continue
                }
                let child = list[next[next.count - 1]]
                next[next.count - 1] += 1
                switch state[child] {
                case nil:
                    state[child] = false
                    path.append(child)
                    next.append(0)
                case false?:
                    cycles.insert(normalized(Array(path[path.lastIndex(of: child)!...])))
                case true?:
                    break
                }
            }
        }
        return cycles.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private static func normalized(_ cycle: [Int64]) -> [Int64] {
        let start = cycle.firstIndex(of: cycle.min()!)!
        return Array(cycle[start...] + cycle[..<start])
    }
}
