namespace NewtPose.Data.Formats.Dlc;

/// <summary>
/// Fits the declared width of fixed-length string attributes to their values in an HDF5 file held in memory, for files
/// PureHDF wrote with one string width: version-2 object headers ("OHDR", one chunk, Jenkins lookup3 checksum) holding
/// version-3 attribute messages. A header is only touched when its checksum proves it is one (a byte run "OHDR" inside
/// data never is), and its checksum is recomputed afterwards. The value bytes stay where they are; HDF5 reads the
/// declared width and ignores the padding after it.
/// </summary>
internal static class H5StringAttributes
{
    private const byte AttributeMessage = 0x0C;
    private const int StringClass = 3;

    /// <summary>Shrinks every string attribute's width to its value (up to the first NUL); returns how many it changed.</summary>
    public static int ShrinkToValues(byte[] file)
    {
        var changed = 0;
        for (var at = 0; at + 4 <= file.Length; at++)
        {
            if (file[at] != 'O' || file[at + 1] != 'H' || file[at + 2] != 'D' || file[at + 3] != 'R') continue;
            if (!Header(file, at, out var messages, out var end, out var creationOrder)) continue;
            for (var q = messages; q + 4 <= end;)
            {
                var type = file[q];
                var size = BitConverter.ToUInt16(file, q + 1);
                var data = q + 4 + (creationOrder ? 2 : 0);
                if (type == AttributeMessage && file[data] == 3 && ShrinkAttribute(file, data)) changed++;
                q = data + size;
            }
            BitConverter.TryWriteBytes(file.AsSpan(end, 4), Lookup3(file.AsSpan(at, end - at)));
        }
        return changed;
    }

    // Object header v2: signature, version 2, flags, [times], [attribute phase change], chunk-0 size, messages, checksum.
    private static bool Header(byte[] file, int at, out int messages, out int end, out bool creationOrder)
    {
        messages = end = 0;
        creationOrder = false;
        var p = at + 4;
        if (p + 2 > file.Length || file[p++] != 2) return false;
        var flags = file[p++];
        if ((flags & 0x20) != 0) p += 16;
        if ((flags & 0x10) != 0) p += 4;
        var sizeBytes = 1 << (flags & 3);
        if (p + sizeBytes > file.Length) return false;
        long chunk = 0;
        for (var i = 0; i < sizeBytes; i++) chunk |= (long)file[p + i] << (8 * i);
        p += sizeBytes;
        if (chunk < 0 || p + chunk + 4 > file.Length) return false;
        end = p + (int)chunk;
        if (Lookup3(file.AsSpan(at, end - at)) != BitConverter.ToUInt32(file, end)) return false;
        messages = p;
        creationOrder = (flags & 0x04) != 0;
        return true;
    }

    // Attribute message v3: version, flags, name size, datatype size, dataspace size, name encoding, name, datatype, dataspace, data.
    private static bool ShrinkAttribute(byte[] file, int data)
    {
        var nameSize = BitConverter.ToUInt16(file, data + 2);
        var datatypeSize = BitConverter.ToUInt16(file, data + 4);
        var dataspaceSize = BitConverter.ToUInt16(file, data + 6);
        var datatype = data + 9 + nameSize;
        if ((file[datatype] & 0x0F) != StringClass) return false;
        // A scalar dataspace (version 2, rank 0): one value.
        var dataspace = datatype + datatypeSize;
        if (file[dataspace + 1] != 0) return false;
        var value = dataspace + dataspaceSize;
        var width = (int)BitConverter.ToUInt32(file, datatype + 4);
        var nul = Array.IndexOf(file, (byte)0, value, width);
        var length = Math.Max(1, nul >= 0 ? nul - value : width);
        BitConverter.TryWriteBytes(file.AsSpan(datatype + 4, 4), (uint)length);
        return true;
    }

    /// <summary>Bob Jenkins' lookup3 hashlittle with initial value 0, the checksum of HDF5's v2 metadata.</summary>
    internal static uint Lookup3(ReadOnlySpan<byte> key)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)key.Length;
        var i = 0;
        var length = key.Length;
        while (length > 12)
        {
            a += BitConverter.ToUInt32(key[i..]); b += BitConverter.ToUInt32(key[(i + 4)..]); c += BitConverter.ToUInt32(key[(i + 8)..]);
            a -= c; a ^= Rot(c, 4); c += b; b -= a; b ^= Rot(a, 6); a += c; c -= b; c ^= Rot(b, 8); b += a;
            a -= c; a ^= Rot(c, 16); c += b; b -= a; b ^= Rot(a, 19); a += c; c -= b; c ^= Rot(b, 4); b += a;
            length -= 12;
            i += 12;
        }
        if (length == 0) return c;
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        key.Slice(i, length).CopyTo(tail);
        c += BitConverter.ToUInt32(tail[8..]); b += BitConverter.ToUInt32(tail[4..]); a += BitConverter.ToUInt32(tail);
        c ^= b; c -= Rot(b, 14); a ^= c; a -= Rot(c, 11); b ^= a; b -= Rot(a, 25); c ^= b; c -= Rot(b, 16);
        a ^= c; a -= Rot(c, 4); b ^= a; b -= Rot(a, 14); c ^= b; c -= Rot(b, 24);
        return c;
    }

    private static uint Rot(uint x, int k) => (x << k) | (x >> (32 - k));
}
