using System.Globalization;
using System.Text;

namespace NewtPose.Data.Formats.Dlc;

/// <summary>
/// Reads the text pickles (protocol 0) PyTables stores pandas metadata in, e.g. the column names of a "table" DataFrame:
/// lists, tuples, str, int, None. Anything else is refused; nothing is executed (there are no GLOBAL/REDUCE opcodes here).
/// </summary>
internal static class PickleText
{
    private sealed class Mark;

    public static object? Load(string pickle)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<string, object?>();
        var i = 0;
        string Line()
        {
            var end = pickle.IndexOf('\n', i);
            if (end < 0) throw new FormatException("pickle line without an end.");
            var s = pickle[i..end];
            i = end + 1;
            return s;
        }
        List<object?> PopToMark()
        {
            var at = stack.FindLastIndex(o => o is Mark);
            if (at < 0) throw new FormatException("pickle has no MARK.");
            var items = stack.GetRange(at + 1, stack.Count - at - 1);
            stack.RemoveRange(at, stack.Count - at);
            return items;
        }
        while (i < pickle.Length)
        {
            var op = pickle[i++];
            switch (op)
            {
                case '(': stack.Add(new Mark()); break;
                case 'l': stack.Add(PopToMark()); break;
                case ']': stack.Add(new List<object?>()); break;
                case 't': stack.Add(PopToMark().ToArray()); break;
                case ')': stack.Add(Array.Empty<object?>()); break;
                case 'a': { var item = stack[^1]; stack.RemoveAt(stack.Count - 1); ((List<object?>)stack[^1]!).Add(item); break; }
                case 'e': { var items = PopToMark(); ((List<object?>)stack[^1]!).AddRange(items); break; }
                case 'p': memo[Line()] = stack[^1]; break;
                case 'g': stack.Add(memo[Line()]); break;
                case 'V': stack.Add(Unescape(Line())); break;
                case 'S': { var s = Line(); stack.Add(s.Length >= 2 ? s[1..^1] : s); break; }
                case 'I': { var s = Line(); stack.Add(s switch { "00" => false, "01" => true, _ => long.Parse(s, CultureInfo.InvariantCulture) }); break; }
                case 'L': stack.Add(long.Parse(Line().TrimEnd('L'), CultureInfo.InvariantCulture)); break;
                case 'N': stack.Add(null); break;
                case '.': return stack.Count == 1 ? stack[0] : throw new FormatException("pickle left more than one value.");
                default: throw new FormatException($"pickle opcode '{op}' is not supported (only protocol-0 lists, tuples, strings and integers).");
            }
        }
        throw new FormatException("pickle without STOP.");
    }

    // raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes.
    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var b = new StringBuilder();
        for (var k = 0; k < s.Length; k++)
        {
            if (s[k] == '\\' && k + 5 < s.Length + 0 && s[k + 1] == 'u') { b.Append((char)Convert.ToInt32(s.Substring(k + 2, 4), 16)); k += 5; }
            else if (s[k] == '\\' && k + 9 < s.Length + 0 && s[k + 1] == 'U') { b.Append(char.ConvertFromUtf32(Convert.ToInt32(s.Substring(k + 2, 8), 16))); k += 9; }
            else b.Append(s[k]);
        }
        return b.ToString();
    }
}
